// A real OpenID Connect provider (the certified `oidc-provider`) on loopback
// for the single sign-on tests. Settings from the environment:
//   PORT            the port on 127.0.0.1; the issuer is http://127.0.0.1:PORT
//   CLIENT_ID, CLIENT_SECRET, REDIRECT_URI   the one client: ambitod
//   ACCOUNTS        JSON {"login": {"email": "..."}}: who may log in
//   KEY_DIR, KIDS   the RSA signing keys, "k2,k1" (the first signs), kept
//                   in KEY_DIR so a restart with other KIDS rotates them
//   TAMPER_FILE     read at every token request: a word that spoils the
//                   ID token it answers ("signature", "aud", "expired",
//                   "nonce", "iss", "none", "hs256"), or nothing
// The login and consent pages are the provider's development interactions:
// any password logs in as the login typed. Prints {"listening": PORT}.
import fs from 'node:fs';
import path from 'node:path';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.ACCOUNTS || '{}');

async function key(kid) {
  const file = path.join(process.env.KEY_DIR, `${kid}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const { privateKey } = await jose.generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = { ...(await jose.exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  fs.writeFileSync(file, JSON.stringify(jwk));
  return jwk;
}
const keys = await Promise.all(process.env.KIDS.split(',').map(key));

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [process.env.REDIRECT_URI],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  findAccount(ctx, sub) {
    const a = accounts[sub];
    if (!a) return undefined;
    return { accountId: sub, claims: () => ({ sub, email: a.email, email_verified: true }) };
  },
  pkce: { required: () => true, methods: ['S256'] },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['ambito-test-provider-cookie-key'] },
});

function tamperMode() {
  try {
    return fs.readFileSync(process.env.TAMPER_FILE, 'utf8').trim();
  } catch {
    return '';
  }
}

async function resign(token, change, alg = 'RS256', secret = null) {
  const payload = jose.decodeJwt(token);
  change(payload);
  const signer = new jose.SignJWT(payload).setProtectedHeader({ alg, kid: keys[0].kid });
  return signer.sign(secret ?? await jose.importJWK(keys[0], 'RS256'));
}

async function spoil(token, mode) {
  const now = Math.floor(Date.now() / 1000);
  switch (mode) {
    case 'signature': {
      const [h, p, s] = token.split('.');
      const i = Math.floor(s.length / 2);
      return `${h}.${p}.${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
    }
    case 'aud': return resign(token, (c) => { c.aud = 'un-altro-servizio'; });
    case 'expired': return resign(token, (c) => { c.iat = now - 7200; c.exp = now - 3600; });
    case 'nonce': return resign(token, (c) => { c.nonce = 'un-altro-accesso'; });
    case 'iss': return resign(token, (c) => { c.iss = 'http://127.0.0.1:1'; });
    case 'none': {
      const [, p] = token.split('.');
      const h = Buffer.from(JSON.stringify({ alg: 'none', kid: keys[0].kid })).toString('base64url');
      return `${h}.${p}.`;
    }
    case 'hs256':
      return resign(token, () => {}, 'HS256', new TextEncoder().encode(process.env.CLIENT_SECRET));
    default: return token;
  }
}

// Spoils the ID token of the token endpoint's answer, signed with the
// provider's own key where the case needs a valid signature.
provider.use(async (ctx, next) => {
  await next();
  const mode = tamperMode();
  if (mode && ctx.path === '/token' && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: await spoil(ctx.body.id_token, mode) };
  }
});

provider.listen(port, '127.0.0.1', () => {
  console.log(JSON.stringify({ listening: port }));
});
