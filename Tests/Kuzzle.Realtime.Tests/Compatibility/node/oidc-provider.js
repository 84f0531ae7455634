// A real OpenID provider for the OAuth strategy tests: oauth2-mock-server (discovery, JWKS, RS256-signed ID tokens,
// PKCE checks) on a loopback port, plus a control port where a test sets the next logins' identity and, for the
// attack cases, how the ID token is spoiled. Prints {"issuer","control"} once listening; exits when stdin closes.
const http = require('http');
const { OAuth2Server } = require('oauth2-mock-server');

let scenario = { sub: 'johndoe', claims: {}, idToken: 'ok' };

function isIdToken(payload) {
  // The mock gives access tokens a scope and ID tokens an audience (the client id) without scope.
  return payload.aud !== undefined && payload.scope === undefined;
}

async function main() {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');

  server.service.on('beforeTokenSigning', (token) => {
    if (!isIdToken(token.payload)) return;
    Object.assign(token.payload, { sub: scenario.sub }, scenario.claims);
    const now = Math.floor(Date.now() / 1000);
    switch (scenario.idToken) {
      case 'wrong-issuer': token.payload.iss = 'http://127.0.0.1:9/not-the-provider'; break;
      case 'wrong-audience': token.payload.aud = 'another-client'; break;
      case 'expired': token.payload.iat = now - 7300; token.payload.nbf = now - 7300; token.payload.exp = now - 3600; break;
      case 'wrong-nonce': token.payload.nonce = 'not-the-nonce'; break;
      default: break;
    }
  });
  server.service.on('beforeResponse', (response) => {
    if (scenario.idToken === 'unsigned' && response.body.id_token) {
      const payload = response.body.id_token.split('.')[1];
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      response.body.id_token = `${header}.${payload}.`;
    }
  });
  server.service.on('beforeUserinfo', (response) => {
    response.body = { sub: scenario.sub, ...scenario.claims };
  });

  const control = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      scenario = { sub: 'johndoe', claims: {}, idToken: 'ok', ...JSON.parse(body || '{}') };
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  control.listen(0, '127.0.0.1', () => {
    process.stdout.write(JSON.stringify({ issuer: server.issuer.url, control: `http://127.0.0.1:${control.address().port}/` }) + '\n');
  });

  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack || error) + '\n');
  process.exit(1);
});
