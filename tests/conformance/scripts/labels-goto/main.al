a = 1
goto skip
b = 2
:skip:
c = 3
:nolabel
d = 4
