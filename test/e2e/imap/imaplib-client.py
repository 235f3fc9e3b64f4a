# Scripted IMAP client for test/e2e/imap-imaplib.test.ts: Python's imaplib, as a real client.
# Takes one JSON argument {action, host, port, sslPort, user, password, ...}; prints one JSON
# result on stdout. Each step's typ and data are returned verbatim (decoded as latin-1, message
# bytes as base64) so the test asserts on what the server said; a step that raises records its
# error and the script goes on, so one missing command does not hide the others.
import base64, imaplib, json, re, socket, ssl, sys, time

args = json.loads(sys.argv[1])
ctx = ssl.create_default_context()
# The instance's certificate is the self-signed one `mailroom init` made.
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
out = {'errors': {}}


def text(x):
    if isinstance(x, bytes):
        return x.decode('latin-1')
    if isinstance(x, tuple):
        return [text(p) for p in x]
    if isinstance(x, list):
        return [text(p) for p in x]
    return x


def step(name, fn):
    try:
        out[name] = fn()
    except Exception as e:  # noqa: BLE001 - every failure is reported to the test
        out['errors'][name] = '%s: %s' % (type(e).__name__, e)


def reply(res):
    typ, data = res
    return {'typ': typ, 'data': text(data)}


def literal_of(data, item):
    """The bytes of the first literal whose FETCH prefix mentions item (BODY[] etc.)."""
    for part in data:
        if isinstance(part, tuple) and item.encode() in part[0]:
            return part[1]
    return None


def uids_of(res):
    typ, data = res
    return [int(x) for x in (data[0] or b'').split()] if typ == 'OK' else None


def connect_starttls():
    c = imaplib.IMAP4(args['host'], args['port'], timeout=20)
    out['caps_before_tls'] = sorted(c.capabilities)
    c.starttls(ssl_context=ctx)
    return c


def connect_ssl():
    return imaplib.IMAP4_SSL(args['host'], args['sslPort'], ssl_context=ctx, timeout=20)


action = args['action']

if action == 'plain-login-refused':
    c = imaplib.IMAP4(args['host'], args['port'], timeout=20)
    out['caps'] = sorted(c.capabilities)
    try:
        typ, data = c.login(args['user'], args['password'])
        out['login'] = {'typ': typ, 'data': text(data)}
    except imaplib.IMAP4.error as e:
        out['login'] = {'error': str(e)}
    c.logout()

elif action == 'ssl-login':
    c = connect_ssl()
    out['login'] = reply(c.login(args['user'], args['password']))
    out['caps_after_login'] = text(c.capability()[1])
    out['list'] = reply(c.list())
    out['logout'] = text(c.logout())

elif action == 'session':
    token = args['token']
    c = connect_starttls()
    step('login', lambda: reply(c.login(args['user'], args['password'])))
    step('caps_after_login', lambda: text(c.capability()[1]))
    step('list', lambda: reply(c.list()))
    step('select', lambda: reply(c.select('INBOX')))
    step('search', lambda: uids_of(c.uid('SEARCH', None, 'SUBJECT', '"%s"' % token)))
    uid = (out.get('search') or [None])[0]
    if uid is not None:
        u = str(uid)
        step('fetch', lambda: (lambda r: {'typ': r[0], 'body': base64.b64encode(literal_of(r[1], 'BODY[]') or b'').decode(), 'data': text([p[0] if isinstance(p, tuple) else p for p in r[1]])})(c.uid('FETCH', u, '(UID RFC822.SIZE FLAGS BODY.PEEK[])')))
        step('store', lambda: reply(c.uid('STORE', u, '+FLAGS', '(\\Flagged $Label1)')))
        step('flags_after_store', lambda: reply(c.uid('FETCH', u, '(FLAGS)')))
        step('search_flagged', lambda: uids_of(c.uid('SEARCH', None, 'FLAGGED')))
        step('search_text', lambda: uids_of(c.uid('SEARCH', None, 'TEXT', '"%s"' % args['bodyWord'])))
        step('copy', lambda: reply(c.uid('COPY', u, 'Archive')))
        step('move', lambda: reply(c.uid('MOVE', u, 'Trash')))
        step('inbox_after_move', lambda: uids_of(c.uid('SEARCH', None, 'SUBJECT', '"%s"' % token)))
        step('select_trash', lambda: reply(c.select('Trash')))
        step('trash_search', lambda: uids_of(c.uid('SEARCH', None, 'SUBJECT', '"%s"' % token)))
        tuid = (out.get('trash_search') or [None])[0]
        if tuid is not None:
            step('trash_delete', lambda: reply(c.uid('STORE', str(tuid), '+FLAGS', '(\\Deleted)')))
            step('expunge', lambda: reply(c.expunge()))
            step('trash_after_expunge', lambda: uids_of(c.uid('SEARCH', None, 'SUBJECT', '"%s"' % token)))
        step('select_archive', lambda: reply(c.select('Archive')))
        step('archive_search', lambda: uids_of(c.uid('SEARCH', None, 'SUBJECT', '"%s"' % token)))
        auid = (out.get('archive_search') or [None])[0]
        if auid is not None:
            step('archive_fetch', lambda: (lambda r: {'typ': r[0], 'body': base64.b64encode(literal_of(r[1], 'BODY[]') or b'').decode(), 'data': text([p[0] if isinstance(p, tuple) else p for p in r[1]])})(c.uid('FETCH', str(auid), '(FLAGS BODY.PEEK[])')))
    appended = base64.b64decode(args['appendMessage'])
    step('append', lambda: reply(c.append('Drafts', '(\\Draft)', imaplib.Time2Internaldate(time.time()), appended)))
    step('select_drafts', lambda: reply(c.select('Drafts')))
    step('drafts_search', lambda: uids_of(c.uid('SEARCH', None, 'SUBJECT', '"%s"' % args['appendToken'])))
    duid = (out.get('drafts_search') or [None])[0]
    if duid is not None:
        step('drafts_fetch', lambda: (lambda r: {'typ': r[0], 'body': base64.b64encode(literal_of(r[1], 'BODY[]') or b'').decode(), 'data': text([p[0] if isinstance(p, tuple) else p for p in r[1]])})(c.uid('FETCH', str(duid), '(FLAGS BODY.PEEK[])')))
    step('logout', lambda: text(c.logout()))

elif action == 'idle':
    # imaplib in 3.11 has no idle(): after LOGIN and SELECT, the raw socket. Everything from IDLE
    # on is read with recv (imaplib's buffered file is left alone, so its buffer stays empty).
    c = connect_ssl()
    c.login(args['user'], args['password'])
    typ, data = c.select('INBOX')
    out['exists_before'] = int(data[0])
    buf = [b'']

    def read_line(deadline):
        while b'\r\n' not in buf[0]:
            left = deadline - time.time()
            if left <= 0:
                return None
            c.sock.settimeout(min(left, 0.5))
            try:
                chunk = c.sock.recv(4096)
            except (socket.timeout, TimeoutError):
                continue
            if not chunk:
                return None
            buf[0] += chunk
        line, buf[0] = buf[0].split(b'\r\n', 1)
        return line.decode('latin-1')

    tag = c._new_tag().decode()
    c.send((tag + ' IDLE\r\n').encode())
    out['continuation'] = read_line(time.time() + 10)
    # Tell the test we are idling; it delivers now.
    sys.stdout.write('READY\n')
    sys.stdout.flush()
    deadline = time.time() + args.get('waitSeconds', 10)
    heard = []
    while True:
        line = read_line(deadline)
        if line is None:
            break
        heard.append(line)
        if re.match(r'^\* \d+ EXISTS$', line):
            out['exists_at'] = time.time()
            break
    out['heard'] = heard
    c.send(b'DONE\r\n')
    done = []
    while True:
        line = read_line(time.time() + 10)
        if line is None:
            break
        done.append(line)
        if line.startswith(tag + ' '):
            break
    out['done'] = done
    c.sock.settimeout(20)
    out['logout'] = text(c.logout())

else:
    raise SystemExit('unknown action ' + action)

sys.stdout.write(json.dumps(out) + '\n')
