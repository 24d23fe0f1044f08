/* The design kit's files and our own stylesheets, served from memory under
 * /static/{version}/{name}. Only the names of the table below exist: a path
 * is never built from the request, so nothing outside the table can be read.
 * {version} is a hash of every file's bytes, so a versioned URL never changes
 * meaning and may be cached for a year. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "http/router.h"
#include "web/web.h"

#define STATIC_MAX_FILE (4L * 1024 * 1024)
#define STATIC_VERSION_HEX 12
#define KIT "node_modules/bootstrap-italia/dist/"
#define CSS "text/css"
#define JS "text/javascript"
#define WOFF2 "font/woff2"

typedef struct static_file {
	const char *name, *path, *type;
	char *data; /* NULL when the file could not be read */
	size_t len;
} static_file;

static static_file files[] = {
    {"bootstrap-italia.min.css", KIT "css/bootstrap-italia.min.css", CSS, NULL, 0},
    {"bootstrap-italia.bundle.min.js", KIT "js/bootstrap-italia.bundle.min.js", JS, NULL, 0},
    {"sprites.svg", KIT "svg/sprites.svg", "image/svg+xml", NULL, 0},
    {"fonts.css", "fonts.css", CSS, NULL, 0},
    {"ambito.css", "ambito.css", CSS, NULL, 0},
    {"counter.js", "counter.js", JS, NULL, 0},
    {"righe.js", "righe.js", JS, NULL, 0},
    {"titillium-web-300.woff2", KIT "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-300.woff2", WOFF2, NULL, 0},
    {"titillium-web-400.woff2", KIT "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.woff2", WOFF2, NULL,
     0},
    {"titillium-web-400-italic.woff2", KIT "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-italic.woff2", WOFF2,
     NULL, 0},
    {"titillium-web-600.woff2", KIT "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-600.woff2", WOFF2, NULL, 0},
    {"titillium-web-700.woff2", KIT "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-700.woff2", WOFF2, NULL, 0},
    {"roboto-mono-400.woff2", KIT "fonts/Roboto_Mono/roboto-mono-v13-latin-ext_latin-regular.woff2", WOFF2, NULL, 0},
    {"roboto-mono-700.woff2", KIT "fonts/Roboto_Mono/roboto-mono-v13-latin-ext_latin-700.woff2", WOFF2, NULL, 0},
    {"lora-400.woff2", KIT "fonts/Lora/lora-v20-latin-ext_latin-regular.woff2", WOFF2, NULL, 0},
    {"lora-700.woff2", KIT "fonts/Lora/lora-v20-latin-ext_latin-700.woff2", WOFF2, NULL, 0},
};
#define NFILES (sizeof(files) / sizeof(files[0]))

static char version[STATIC_VERSION_HEX + 1] = "0";

static char *read_file(const char *path, size_t *len)
{
	char *buf = NULL;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0)
		goto fail;
	long n = ftell(f);
	if (n < 0 || n > STATIC_MAX_FILE || fseek(f, 0, SEEK_SET) != 0)
		goto fail;
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n)
		goto fail;
	fclose(f);
	*len = (size_t)n;
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

void web_static_load(const char *dir)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char digest[32];
	unsigned int dlen = 0;
	size_t missing = 0;
	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		abort();
	for (size_t i = 0; i < NFILES; i++) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].path);
		files[i].data = read_file(path, &files[i].len);
		if (files[i].data == NULL) {
			missing++;
			continue;
		}
		EVP_DigestUpdate(md, files[i].name, strlen(files[i].name) + 1);
		EVP_DigestUpdate(md, files[i].data, files[i].len);
	}
	EVP_DigestFinal_ex(md, digest, &dlen);
	EVP_MD_CTX_free(md);
	for (int i = 0; i < STATIC_VERSION_HEX / 2; i++)
		snprintf(version + 2 * i, 3, "%02x", digest[i]);
	if (missing > 0)
		log_msg(LOG_WARN, "static files: %zu of %zu missing under %s (run deploy/install-deps)", missing,
		        (size_t)NFILES, dir);
}

const char *web_static_version(void)
{
	return version;
}

void web_static_get(http_req *r)
{
	const char *v = http_param(r, "version"), *name = http_param(r, "file");
	for (size_t i = 0; i < NFILES; i++) {
		if (strcmp(files[i].name, name) != 0 || files[i].data == NULL)
			continue;
		if (strcmp(v, version) != 0)
			break; /* another build's files: not ours to vouch for */
		http_body(r, 200, files[i].type, files[i].data, files[i].len);
		http_set_header(r, "Cache-Control", "public, max-age=31536000, immutable");
		return;
	}
	http_problem(r, 404, "nessun file con questo nome");
}
