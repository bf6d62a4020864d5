a = 1
:x:
:x:
b = 2
