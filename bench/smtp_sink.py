#!/usr/bin/env python3
"""A minimal SMTP server for benchmarks: accepts every message and appends its Subject line to FILE (one line each).

Usage: smtp_sink.py PORT FILE     (no TLS, no authentication; 127.0.0.1 only)
"""
import asyncio
import sys

PORT, OUT = int(sys.argv[1]), sys.argv[2]


async def session(reader, writer):
    def send(line):
        writer.write((line + "\r\n").encode())

    send("220 sink ESMTP")
    await writer.drain()
    while True:
        line = await reader.readline()
        if not line:
            break
        cmd = line.decode("utf-8", "replace").strip().upper()
        if cmd.startswith("EHLO"):
            send("250-sink")
            send("250 8BITMIME")
        elif cmd.startswith("DATA"):
            send("354 go ahead")
            await writer.drain()
            subject = ""
            while True:
                data = await reader.readline()
                if not data or data in (b".\r\n", b".\n"):
                    break
                text = data.decode("utf-8", "replace")
                if not subject and text.lower().startswith("subject:"):
                    subject = text[8:].strip()
            with open(OUT, "a", encoding="utf-8") as f:
                f.write(subject + "\n")
            send("250 queued")
        elif cmd.startswith("QUIT"):
            send("221 bye")
            await writer.drain()
            break
        else:
            send("250 ok")
        await writer.drain()
    writer.close()


async def main():
    server = await asyncio.start_server(session, "127.0.0.1", PORT)
    async with server:
        await server.serve_forever()


asyncio.run(main())
