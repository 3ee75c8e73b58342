import os
import socket
import urllib.parse

targets = [("127.0.0.1", p) for p in (22, 53, 80, 443, 631, 3306, 5432, 6379, 8080)]
if os.path.exists("port.txt"):
    port = int(open("port.txt").read().strip())
    targets = [("127.0.0.1", port), ("::1", port)] + targets


def connect(family, address):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(1)
    try:
        s.connect(address)
        s.sendall(b"GET /jobs HTTP/1.0\r\n\r\n")
        return "REACHED"
    except OSError as e:
        return "refused: %s" % e.strerror
    finally:
        s.close()


for host, port in targets:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    print("%s:%d %s" % (host, port, connect(family, (host, port))))
for name in ("\0/tmp/.X11-unix/X0", "\0/org/freedesktop/systemd1/notify"):
    print("unix %r %s" % (name, connect(socket.AF_UNIX, name)))
mock = urllib.parse.urlparse(os.environ["JOBS_API_URL"])
mock_reached = connect(socket.AF_INET, (mock.hostname, mock.port)) == "REACHED"
print("the mock %s" % ("answers" if mock_reached else "is out of reach"))
print("interfaces %s" % " ".join(sorted(n for _, n in socket.if_nameindex())))
