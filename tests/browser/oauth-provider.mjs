// A small OAuth provider for the browser tests, on a loopback port: it speaks enough of
// GitHub's and Google's dialects for Nimbus's sign-in (authorize with PKCE S256 and state,
// token, GitHub's /user, /user/emails and /user/orgs, Google's userinfo). Its authorize page
// shows one "Authorize" button, so the browser test clicks through it like a person would.
import { createHash, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'

export const CLIENT_ID = 'browser-test-client'
export const CLIENT_SECRET = 'browser-test-secret'

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

function readBody(req) {
  return new Promise((resolveBody) => {
    let text = ''
    req.on('data', (chunk) => (text += chunk))
    req.on('end', () => resolveBody(text))
  })
}

/** Starts the provider; `asPerson` picks who the next approval signs in as. */
export async function startProvider() {
  let person = null
  const codes = new Map()
  const tokens = new Map()
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://provider')
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '')
    const who = tokens.get(bearer)
    if (req.method === 'GET' && url.pathname === '/authorize') {
      const q = url.searchParams
      if (q.get('code_challenge_method') !== 'S256' || q.get('client_id') !== CLIENT_ID) {
        return json(res, 400, { error: 'invalid_request' })
      }
      if (!q.has('approve')) {
        // The consent page: one button that comes back here with approve=1.
        q.set('approve', '1')
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        return res.end(
          `<!doctype html><title>Test provider</title><h1>Sign in to Nimbus as ${person?.login}?</h1>` +
            `<a href="/authorize?${q.toString()}">Authorize</a>`,
        )
      }
      const code = randomBytes(12).toString('hex')
      codes.set(code, { challenge: q.get('code_challenge'), redirect: q.get('redirect_uri'), person })
      const back = new URL(q.get('redirect_uri'))
      back.searchParams.set('code', code)
      back.searchParams.set('state', q.get('state'))
      res.writeHead(302, { location: back.toString() })
      return res.end()
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      const form = new URLSearchParams(await readBody(req))
      const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString()
      const grant = codes.get(form.get('code'))
      codes.delete(form.get('code'))
      const challenge = createHash('sha256')
        .update(form.get('code_verifier') ?? '')
        .digest('base64url')
      if (basic !== `${CLIENT_ID}:${CLIENT_SECRET}` || !grant || grant.challenge !== challenge) {
        return json(res, 400, { error: 'invalid_grant' })
      }
      const token = randomBytes(12).toString('hex')
      tokens.set(token, grant.person)
      return json(res, 200, { access_token: token, token_type: 'bearer' })
    }
    if (!who) return json(res, 401, { message: 'Bad credentials' })
    if (url.pathname === '/api/user') return json(res, 200, { id: who.id, login: who.login, name: who.name, email: null })
    if (url.pathname === '/api/user/emails') {
      return json(res, 200, [{ email: who.email, primary: true, verified: true }])
    }
    if (url.pathname === '/api/user/orgs') return json(res, 200, [])
    if (url.pathname === '/userinfo') {
      return json(res, 200, { sub: String(who.id), email: who.email, email_verified: true, name: who.name })
    }
    return json(res, 404, { message: 'Not Found' })
  })
  await new Promise((resolveListen) => server.listen(0, '127.0.0.1', resolveListen))
  const base = `http://127.0.0.1:${server.address().port}`
  return {
    base,
    asPerson(next) {
      person = next
    },
    /** Environment that points `nimbus demo` at this provider, for GitHub and Google. */
    env() {
      return {
        GITHUB_OAUTH_AUTHORIZE_URL: `${base}/authorize`,
        GITHUB_OAUTH_TOKEN_URL: `${base}/token`,
        GITHUB_API_URL: `${base}/api`,
        GOOGLE_OAUTH_AUTHORIZE_URL: `${base}/authorize`,
        GOOGLE_OAUTH_TOKEN_URL: `${base}/token`,
        GOOGLE_USERINFO_URL: `${base}/userinfo`,
        GITHUB_CLIENT_ID: CLIENT_ID,
        GITHUB_CLIENT_SECRET: CLIENT_SECRET,
        GOOGLE_CLIENT_ID: CLIENT_ID,
        GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
      }
    },
    close() {
      return new Promise((resolveClose) => server.close(() => resolveClose()))
    },
  }
}
