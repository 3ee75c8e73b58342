chunks = []
while True:
    chunks.append(b"x" * (16 << 20))  # written, so every page is really used
