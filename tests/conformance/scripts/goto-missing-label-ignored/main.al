on error ignore
a = 1
goto nowhere
b = 2
