<x = a +
:inner:
  b>
y = 1
