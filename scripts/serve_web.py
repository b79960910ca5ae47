#!/usr/bin/env python3
"""Serves a directory (default: target/web) on 127.0.0.1 only.

Port: $PORT (default 8080; 0 picks a free one). Prints one line,
"serving http://127.0.0.1:PORT/", once it is listening, so a test can read
the port. Sends .wasm as application/wasm (for streaming compilation) and
.js/.mjs as text/javascript (module scripts need a JavaScript type).
"""

import functools
import http.server
import os
import sys

TYPES = {
    '.wasm': 'application/wasm',
    '.js': 'text/javascript; charset=utf-8',
    '.mjs': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.html': 'text/html; charset=utf-8',
    '.svg': 'image/svg+xml',
    '.json': 'application/json',
}


# The header set web/_headers gives static hosts (README, "Deploying the
# page"), read from it so the two cannot drift apart.
HEADERS = []
with open(os.path.join(os.path.dirname(__file__), '..', 'web', '_headers'), encoding='utf-8') as f:
    for line in f:
        if line.startswith((' ', '\t')) and ':' in line:
            name, value = line.strip().split(':', 1)
            HEADERS.append((name.strip(), value.strip()))


class Handler(http.server.SimpleHTTPRequestHandler):
    # Keep-alive: the page's dozen files over one or two connections.
    protocol_version = 'HTTP/1.1'
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def end_headers(self):
        # Revalidate every time: after a rebuild the page never mixes old and
        # new files (a 304 costs a few bytes).
        self.send_header('Cache-Control', 'no-cache')
        # web/_headers' set: the CSP (with frame-ancestors, which <meta>
        # cannot set), nosniff, no referrer.
        for name, value in HEADERS:
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format, *args):
        if os.environ.get('QUIET') != '1':
            super().log_message(format, *args)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', 'target', 'web')
    if not os.path.isfile(os.path.join(root, 'index.html')):
        sys.exit(f'serve_web: no index.html in {root}; run scripts/build-web.sh')
    port = int(os.environ.get('PORT', '8080'))
    handler = functools.partial(Handler, directory=os.path.abspath(root))
    with http.server.ThreadingHTTPServer(('127.0.0.1', port), handler) as server:
        print(f'serving http://127.0.0.1:{server.server_address[1]}/', flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == '__main__':
    main()
