a = 1
process /s/sub.al
b = 2
