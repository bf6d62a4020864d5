on error end script
a = 1
frobnicate
b = 2
