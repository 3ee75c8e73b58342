import sys

ESC, BEL = "\x1b", "\x07"
evil = (
    "<script>alert(1)</script></svg><svg onload=alert(2)>"
    + ESC + "[2J" + ESC + "[H"                   # clear the screen, cursor home
    + ESC + "]0;pwned" + BEL                     # window title
    + ESC + "]52;c;ZWNobyBwd25lZA==" + BEL       # clipboard: "echo pwned"
    + ESC + "[8m" + "hidden" + ESC + "[0m"        # invisible text
    + "\u009b31m" + "\r" + "\b" * 8 + "\x7f"      # C1 CSI, carriage return, backspaces, DEL
)
print("report " + evil, flush=True)
sys.stderr.write("thread 'main' panicked at src/main.rs:1:1:\n" + evil + "\n")
sys.stderr.write("note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n")
sys.exit(101)
