:set-params:
x = 1
:set-params:
y = 2
