on error goto h
goto h
:h:
a = 1
frobnicate
b = 2
