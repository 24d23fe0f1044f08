/* The public participation pages, for anyone without an account: the open
 * calls (/partecipa) and a call's candidacy form with the privacy notice
 * (GDPR art. 13) and the consent box. The form has no session, so no CSRF
 * token: the web layer's same-origin check, the rate limit per client
 * address, the honeypot field and the API's limits on every field guard
 * it, through the very function the API's route uses. */
#include <string.h>

#include "base/id.h"
#include "http/router.h"
#include "http/validate.h"
#include "tenants/participation/part_form.h"
#include "tenants/participation/part_pages.h"
#include "tenants/participation/participation.h"
#include "web/web.h"

static void open_calls(http_req *r)
{
	part_call *c;
	size_t n;
	int rc = part_store_calls(r->db, r->a, 0, &c, &n);
	if (rc != DB_OK) {
		http_db_error(r, rc, "gli avvisi");
		return;
	}
	web_crumb cr[] = {{"Partecipa", NULL}};
	web_page *p = web_page_begin(r, "Partecipa alla programmazione sociale", cr, 1);
	html *h = web_html(p);
	html_raw(h, "<p class=\"lead\">Gli Ambiti Territoriali Sociali invitano enti, associazioni e cittadini a far "
	            "parte dei tavoli tematici che preparano il Piano Sociale di Ambito. Qui trovi gli avvisi aperti "
	            "(manifestazioni di interesse): scegli un avviso per candidarti.</p>");
	if (n == 0)
		html_raw(h, "<p>In questo momento non ci sono avvisi aperti.</p>");
	for (size_t i = 0; i < n; i++) {
		html_raw(h, "<section class=\"mb-4\"><h2 class=\"h4\"><a href=\"");
		html_text(h, arena_printf(r->a, "/partecipa/avvisi/%lld", c[i].id));
		html_raw(h, "\">");
		html_text(h, c[i].title);
		html_raw(h, "</a></h2><p>");
		html_text(h, arena_printf(r->a, "%s — candidature fino al %s.", c[i].tenant_name,
		                          html_datetime(r->a, c[i].closes_at)));
		html_raw(h, "</p><p>Tavoli: ");
		for (size_t k = 0; k < c[i].ngroups; k++) {
			if (k > 0)
				html_raw(h, ", ");
			html_text(h, c[i].groups[k].name);
		}
		html_raw(h, ".</p></section>");
	}
	web_page_end(p, 200);
}

/* The privacy notice under GDPR art. 13, for the ATS that opened the call. */
static void informativa(html *h, const part_call *c)
{
	html_raw(h, "<section class=\"mb-4\" aria-labelledby=\"informativa\"><h2 id=\"informativa\" class=\"h4\">"
	            "Informativa sul trattamento dei dati personali (art. 13 del Regolamento UE 2016/679)</h2><ul>"
	            "<li><strong>Titolare del trattamento</strong>: l’");
	html_text(h, c->tenant_name);
	html_raw(h,
	         ", per il tramite del suo ente capofila, che ha pubblicato l’avviso.</li>"
	         "<li><strong>Finalità e base giuridica</strong>: valutare la candidatura e, se accolta, "
	         "coinvolgere la persona e l’organizzazione nei tavoli tematici del Piano Sociale di Ambito "
	         "(art. 6, par. 1, lett. a ed e, del Regolamento: consenso ed esecuzione di un compito di interesse "
	         "pubblico).</li>"
	         "<li><strong>Dati trattati</strong>: organizzazione e tipo di ente, nome e cognome della persona di "
	         "contatto, email, tavoli scelti, motivazione.</li>"
	         "<li><strong>Chi li vede</strong>: il personale dell’ATS e della Regione che segue la "
	         "programmazione. L’email non è mai pubblicata. Se la candidatura è accolta, nome, cognome e "
	         "organizzazione compaiono nella composizione del tavolo, anche nel piano pubblicato.</li>"
	         "<li><strong>Conservazione</strong>: per la durata del ciclo di programmazione; i dati di una "
	         "candidatura respinta o ritirata possono essere cancellati su richiesta, e l’ATS li cancella.</li>"
	         "<li><strong>Diritti</strong>: accesso, rettifica, cancellazione, limitazione e opposizione "
	         "(artt. 15–21), scrivendo all’ATS; reclamo al Garante per la protezione dei dati personali.</li>"
	         "<li>I dati non sono trasferiti fuori dall’Unione europea né usati per decisioni automatizzate."
	         "</li></ul></section>");
}

static void call_page(http_req *r, const part_call *c, const part_form *s, int status)
{
	web_crumb cr[] = {{"Partecipa", "/partecipa"}, {c->title, NULL}};
	web_page *p = web_page_begin(r, c->title, cr, 2);
	html *h = web_html(p);
	html_raw(h, "<p>");
	html_text(h, arena_printf(r->a, "%s — aperto dal %s al %s.", c->tenant_name, html_datetime(r->a, c->opens_at),
	                          html_datetime(r->a, c->closes_at)));
	html_raw(h, "</p>");
	html_paragraphs(h, c->description);
	if (!c->open) {
		html_raw(h, "<div class=\"alert alert-warning\" role=\"status\">L’avviso non è aperto: non si possono "
		            "inviare candidature.</div>");
		web_page_end(p, status);
		return;
	}
	informativa(h, c);
	html_raw(h, "<h2 class=\"h4\" id=\"modulo\">Candidatura</h2>");
	part_form_summary(p, s);
	html_raw(h, "<div class=\"row\"><div class=\"col-12 col-lg-8\"><form method=\"post\" action=\"");
	html_text(h, arena_printf(r->a, "/partecipa/avvisi/%lld", c->id));
	html_raw(h, "\" novalidate>");
	web_field_input(p, "organization", "Organizzazione o ente", "text", part_form_typed(s, "organization"),
	                part_form_error(s, "organization"), "organization");
	web_field_input(p, "kind", "Tipo di ente (associazione, cooperativa, scuola, sindacato, cittadino…)", "text",
	                part_form_typed(s, "kind"), part_form_error(s, "kind"), "off");
	web_field_input(p, "contact_name", "Nome e cognome", "text", part_form_typed(s, "contact_name"),
	                part_form_error(s, "contact_name"), "name");
	web_field_input(p, "email", "Email", "email", part_form_typed(s, "email"), part_form_error(s, "email"), "email");
	html_raw(h, "<fieldset class=\"form-group ambito-field\" id=\"campo-groups\"><legend class=\"h6\">Tavoli a "
	            "cui vuoi partecipare</legend>");
	for (size_t i = 0; i < c->ngroups; i++) {
		const char *id = arena_printf(r->a, "tavolo-%lld", c->groups[i].id);
		bool checked = false;
		for (size_t k = 0; s && s->f && k < s->f->n && !checked; k++)
			checked = strcmp(s->f->names[k], "groups") == 0 &&
			          strcmp(s->f->values[k], arena_printf(r->a, "%lld", c->groups[i].id)) == 0;
		html_rawf(
		    h,
		    "<div class=\"form-check\"><input class=\"form-check-input\" type=\"checkbox\" name=\"groups\" "
		    "value=\"%lld\" id=\"",
		    c->groups[i].id);
		html_text(h, id);
		html_raw(h, checked ? "\" checked><label class=\"form-check-label\" for=\""
		                    : "\"><label class=\"form-check-label\" for=\"");
		html_text(h, id);
		html_raw(h, "\">");
		html_text(h, c->groups[i].name);
		html_raw(h, "</label></div>");
	}
	if (part_form_error(s, "groups")) {
		html_raw(h, "<div class=\"invalid-feedback d-block\">");
		html_text(h, part_form_error(s, "groups"));
		html_raw(h, "</div>");
	}
	html_raw(h,
	         "</fieldset><div class=\"form-group ambito-field\"><label for=\"campo-motivation\">Perché vuoi "
	         "partecipare (facoltativo)</label><textarea class=\"form-control\" rows=\"4\" id=\"campo-motivation\" "
	         "name=\"motivation\">");
	html_text(h, part_form_typed(s, "motivation") ? part_form_typed(s, "motivation") : "");
	html_raw(h, "</textarea></div>");
	/* The honeypot: hidden from people (and from screen readers), filled by
	 * robots that fill every field. */
	html_raw(h, "<div class=\"visually-hidden\" aria-hidden=\"true\"><label for=\"campo-website\">Sito web (lascia "
	            "vuoto)</label><input type=\"text\" id=\"campo-website\" name=\"website\" tabindex=\"-1\" "
	            "autocomplete=\"off\"></div>");
	html_raw(h, "<div class=\"form-check mb-3\" id=\"campo-privacy_consent\"><input class=\"form-check-input\" "
	            "type=\"checkbox\" name=\"privacy_consent\" value=\"1\" id=\"consenso\"");
	if (part_form_error(s, "privacy_consent"))
		html_raw(h, " aria-invalid=\"true\" aria-describedby=\"errore-consenso\"");
	html_raw(h, "><label class=\"form-check-label\" for=\"consenso\">Ho letto l’informativa e acconsento al "
	            "trattamento dei miei dati per questa candidatura</label>");
	if (part_form_error(s, "privacy_consent")) {
		html_raw(h, "<div class=\"invalid-feedback d-block\" id=\"errore-consenso\">");
		html_text(h, part_form_error(s, "privacy_consent"));
		html_raw(h, "</div>");
	}
	html_raw(h, "</div><button type=\"submit\" class=\"btn btn-primary\">Invia la candidatura</button></form></div>"
	            "</div>");
	web_page_end(p, status);
}

static part_call *path_call(http_req *r)
{
	long long id;
	part_call *c = NULL;
	if (!id_parse(http_param(r, "id"), ID_MAX_DIGITS, &id)) {
		web_error_page(r, 404, NULL);
		return NULL;
	}
	int rc = part_store_call(r->db, r->a, 0, id, &c);
	if (rc == PART_ENOCALL)
		web_error_page(r, 404, "L’avviso non esiste.");
	else if (rc != DB_OK)
		http_db_error(r, rc, "l'avviso");
	return rc == DB_OK ? c : NULL;
}

static void get_call(http_req *r)
{
	part_call *c = path_call(r);
	if (c != NULL)
		call_page(r, c, NULL, 200);
}

static void post_call(http_req *r)
{
	part_call *c = path_call(r);
	web_form f;
	if (c == NULL)
		return;
	long long wait = part_candidacy_rate(r);
	if (wait != 0) {
		if (wait > 0)
			http_set_header(r, "Retry-After", arena_printf(r->a, "%lld", wait));
		web_error_page(
		    r, wait > 0 ? 429 : 503,
		    wait > 0
		        ? arena_printf(r->a, "Troppe candidature da questo indirizzo: riprova tra %lld secondi.", wait)
		        : NULL);
		return;
	}
	if (!web_form_read(r, &f))
		return;
	jw *w = jw_new(NULL, NULL);
	jw_obj_begin(w);
	static const char *const text[] = {"organization", "kind", "contact_name", "email", "motivation", NULL};
	web_form_members(w, &f, text, false);
	/* The honeypot only when filled: a filled one drops the candidacy. */
	const char *website = web_form_get(&f, "website");
	if (website != NULL && *website)
		jw_kstr(w, "website", website);
	jw_key(w, "groups");
	jw_arr_begin(w);
	for (size_t k = 0; k < f.n; k++) {
		long long id;
		if (strcmp(f.names[k], "groups") == 0 && id_parse(f.values[k], ID_MAX_DIGITS, &id))
			jw_int(w, id);
	}
	jw_arr_end(w);
	jw_kbool(w, "privacy_consent", web_form_get(&f, "privacy_consent") != NULL);
	jw_obj_end(w);
	json_value *body = web_form_body(r, w);
	if (body == NULL)
		return;
	field_errors *e = http_errors_new(r);
	part_call *call = c;
	int rc = part_candidacy_receive(r, c->id, body, e, &call);
	if (rc == PART_EINVALID) {
		part_form s = {&f, e};
		call_page(r, c, &s, 422);
		return;
	}
	if (rc == PART_ECLOSED) {
		call_page(r, c, NULL, 409);
		return;
	}
	if (rc != DB_OK) {
		http_db_error(r, rc, "la candidatura");
		return;
	}
	web_crumb cr[] = {{"Partecipa", "/partecipa"}, {c->title, NULL}};
	web_page *p = web_page_begin(r, "Candidatura inviata", cr, 2);
	html *h = web_html(p);
	html_raw(h, "<div class=\"alert alert-success\" role=\"status\">Grazie: la candidatura è stata ricevuta.</div>"
	            "<p>L’");
	html_text(h, c->tenant_name);
	html_raw(h, " la valuterà e ti scriverà all’indirizzo indicato.</p><p><a href=\"/partecipa\">Torna agli "
	            "avvisi aperti</a></p>");
	web_page_end(p, 201);
}

static const route routes[] = {
    {HTTP_GET, "/partecipa", open_calls, ROUTE_PAGE | ROUTE_PUBLIC, "Gli avvisi aperti di ogni ATS"},
    {HTTP_GET, "/partecipa/avvisi/{id}", get_call, ROUTE_PAGE | ROUTE_PUBLIC,
     "Un avviso con l'informativa e il modulo di candidatura"},
    {HTTP_POST, "/partecipa/avvisi/{id}", post_call, ROUTE_PAGE | ROUTE_PUBLIC | ROUTE_OWN_TX, "Invia una candidatura",
     .max_body = PART_CANDIDACY_BODY_MAX},
};

void part_public_pages_register(void)
{
	router_add(routes, sizeof(routes) / sizeof(routes[0]));
}
