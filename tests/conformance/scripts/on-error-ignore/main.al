on error ignore
a = 1
frobnicate the node
b = 2
process /s/missing.al
c = 3
