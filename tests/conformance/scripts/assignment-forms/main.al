a = 60 seconds
b = !a + -x- + $HOME_DIR + y
set c = $UNSET_VAR
d = !undefined
e = present
e = !undefined
set f = $HOME_DIR
set $NEW_ENV = made
g = $NEW_ENV
h = if !a == "60 seconds"
i = !a.len
j = "quoted words"
k = ""
set l = !a
m = !b
