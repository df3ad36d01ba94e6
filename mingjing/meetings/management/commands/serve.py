from __future__ import annotations

from django.conf import settings

from mingjing.lib.management import MingjingCommand


class Command(MingjingCommand):
    help = "启动网页服务（waitress，默认 http://127.0.0.1:8000）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1；内网服务用 0.0.0.0）")
        parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
        parser.add_argument("--threads", type=int, default=8, help="工作线程数（默认 8）")

    def handle(self, *args, host: str, port: int, threads: int, **options) -> None:
        from waitress import serve

        from mingjing.wsgi import application

        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(f"明镜已启动：http://{shown}:{port}/    （数据目录：{settings.DATA_DIR}；按 Ctrl+C 停止）")
        serve(application, host=host, port=port, threads=threads, ident="mingjing")
