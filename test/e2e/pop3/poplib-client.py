# Scripted POP3 client for test/e2e/pop3.test.ts: Python's poplib, as a real client. Takes one
# JSON argument {action, host, port, user, password, ...}; prints one JSON result on stdout.
# Every server reply that matters is returned verbatim so the test asserts on the wire text.
import json, poplib, ssl, sys, time

args = json.loads(sys.argv[1])
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
out = {}

def err_text(e):
    return (e.args[0].decode('latin1') if e.args and isinstance(e.args[0], bytes) else str(e))

def connect(kind):
    if kind == 'ssl':
        return poplib.POP3_SSL(args['host'], args['sslPort'], context=ctx, timeout=20)
    c = poplib.POP3(args['host'], args['port'], timeout=20)
    return c

def login(c):
    c.user(args['user'])
    return c.pass_(args['password']).decode('latin1')

action = args['action']
if action == 'plain-refused':
    c = connect('plain')
    out['capa_before'] = sorted(c.capa().keys())
    try:
        c.user(args['user']); out['user'] = 'accepted'
    except poplib.error_proto as e:
        out['user'] = err_text(e)
    c.quit()
elif action == 'fetch-all':
    c = connect('plain')
    out['stls'] = c.stls(context=ctx).decode('latin1')
    out['capa_after'] = sorted(c.capa().keys())
    out['login'] = login(c)
    out['stat'] = list(c.stat())
    resp, lines, _ = c.list(); out['list'] = [l.decode() for l in lines]
    resp, lines, _ = c.uidl(); out['uidl'] = [l.decode() for l in lines]
    out['messages'] = []
    for n in range(1, out['stat'][0] + 1):
        resp, lines, octets = c.retr(n)
        # poplib undoes dot-stuffing and splits at CRLF; put the line ends back.
        raw = b''.join(l + b'\r\n' for l in lines)
        resp, tlines, _ = c.top(n, 1)
        out['messages'].append({'retr': raw.decode('latin1'), 'octets': octets, 'top': b''.join(l + b'\r\n' for l in tlines).decode('latin1')})
    out['quit'] = c.quit().decode('latin1')
elif action == 'dele-then-drop':
    c = connect('ssl')
    out['login'] = login(c)
    out['dele'] = [c.dele(n).decode('latin1') for n in args['msgs']]
    c.sock.close()  # no QUIT: UPDATE must not run
elif action == 'in-use':
    a = connect('ssl'); out['first'] = login(a)
    b = connect('plain'); b.stls(context=ctx)
    try:
        out['second'] = login(b)
    except poplib.error_proto as e:
        out['second'] = err_text(e)
    b.quit()
    out['first_quit'] = a.quit().decode('latin1')
elif action == 'wrong-password':
    c = connect('ssl')
    c.user(args['user'])
    t0 = time.monotonic()
    try:
        c.pass_('not-the-password'); out['pass'] = 'accepted'
    except poplib.error_proto as e:
        out['pass'] = err_text(e)
    out['ms'] = int((time.monotonic() - t0) * 1000)
    c.quit()
elif action == 'dele-quit':
    c = connect('ssl')
    out['login'] = login(c)
    out['dele'] = [c.dele(n).decode('latin1') for n in args['msgs']]
    out['quit'] = c.quit().decode('latin1')
print(json.dumps(out))
