n = !n + x
process /s/main.al
