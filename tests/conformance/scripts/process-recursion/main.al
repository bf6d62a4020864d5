d = !d + x
if !d == xxx then end script
process /s/main.al
after = !d
