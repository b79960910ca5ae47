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


CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


class Handler(http.server.SimpleHTTPRequestHandler):
    # Keep-alive: the page's dozen files over one or two connections.
    protocol_version = 'HTTP/1.1'
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def end_headers(self):
        # Revalidate every time: after a rebuild the page never mixes old and
        # new files (a 304 costs a few bytes).
        self.send_header('Cache-Control', 'no-cache')
        # The page's own policy is its <meta> tag; a worker takes its policy
        # from its script's response, which only a header can set. Workers
        # fetch the wasm from this origin and nothing else.
        self.send_header('Content-Security-Policy', CSP)
        self.send_header('X-Content-Type-Options', 'nosniff')
        self.send_header('Referrer-Policy', 'no-referrer')
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
