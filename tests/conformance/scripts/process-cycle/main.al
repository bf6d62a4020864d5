a = 1
process /s/other.al
b = 2
