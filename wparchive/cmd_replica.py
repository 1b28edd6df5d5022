"""`wparchive replica serve`: run the built-in replica of projektbesok.se and its blogs as an HTTP proxy."""
from __future__ import annotations

import argparse
import sys


def register(sub) -> None:
    p = sub.add_parser("replica", help="the built-in replica of projektbesok.se and its Tumblr blogs",
                       description="The built-in replica: a forward HTTP proxy on 127.0.0.1 that serves "
                                   "projektbesok.se (WordPress 3.x, December 2013) and besokholland/besokdanmark/"
                                   "besokengland.tumblr.com from a deterministic reconstruction, with no network.")
    rsub = p.add_subparsers(dest="replica_command", metavar="SUBCOMMAND")
    serve = rsub.add_parser("serve", help="serve the replica until interrupted",
                            description="Serve the replica as a plain HTTP proxy until Ctrl-C. Point any client at it: "
                                        "export http_proxy=http://127.0.0.1:PORT")
    serve.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (0 = any free port; default 8080)")
    serve.add_argument("--posts", type=int, default=86, help="published WordPress posts (default 86, as the real site)")
    serve.add_argument("--tumblr-posts", metavar="H,D,E", help="posts per blog (holland,danmark,england); default scales with --posts")
    serve.add_argument("--seed", type=int, default=2013, help="seed for all generated content (default 2013)")
    serve.add_argument("--latency-ms", type=float, default=0.0, help="fixed delay added to every response")
    serve.add_argument("--crawl-delay", type=float, default=None, help="announce Crawl-delay in robots.txt")
    serve.add_argument("--no-gzip", action="store_true", help="never gzip responses, even when the client asks")
    serve.add_argument("--chunked", action="store_true", help="send HTML with Transfer-Encoding: chunked")
    serve.add_argument("--log", metavar="FILE", help="append the request log to FILE as JSON lines")
    serve.add_argument("--ground-truth", metavar="FILE", help="write the ground truth (JSON) to FILE before serving")
    serve.set_defaults(func=_serve)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _serve(args: argparse.Namespace) -> int:
    import json

    from replica import ReplicaConfig, ReplicaError, ReplicaServer

    if not 0 <= args.port <= 65535:
        print(f"wparchive replica: --port {args.port}: a port is between 0 and 65535 (0 = any free port)",
              file=sys.stderr)
        return 2
    try:
        tumblr = tuple(int(x) for x in args.tumblr_posts.split(",")) if args.tumblr_posts else None
        config = ReplicaConfig(posts=args.posts, seed=args.seed, tumblr_posts=tumblr, latency_ms=args.latency_ms,
                               gzip=not args.no_gzip, chunked=args.chunked, log_path=args.log,
                               crawl_delay=args.crawl_delay)
        server = ReplicaServer(config, port=args.port)
    except ValueError as exc:
        print(f"wparchive replica: {exc}", file=sys.stderr)
        return 2
    except ReplicaError as exc:
        print(f"wparchive replica: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"wparchive replica: cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}; "
              "choose another --port (0 = any free port)", file=sys.stderr)
        return 2
    if args.ground_truth:
        with open(args.ground_truth, "w", encoding="utf-8") as fh:
            json.dump(server.ground_truth(), fh, ensure_ascii=False, indent=1, sort_keys=True)
    url = server.proxy_url
    blogs = ", ".join(f"{n}.tumblr.com" for n in ("besokholland", "besokdanmark", "besokengland"))
    print(f"""Replica of projektbesok.se ({config.posts} posts, seed {config.seed}) and {blogs}
listening on {url} as a plain HTTP proxy (http:// only; other hosts get 502).

Use it from another shell:
  export http_proxy={url}
  curl http://projektbesok.se/
  wget --mirror -e robots=on -e use_proxy=yes -e http_proxy={url} --reject-regex '[?]m=' http://projektbesok.se/
  wparchive harvest ... --set network.proxy={url}

Ctrl-C stops it.""", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("replica stopped", file=sys.stderr)
    return 0
