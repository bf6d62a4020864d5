is_dir = file test /s
is_file = file test /s/main.al
missing = file test /s/nope
if !is_dir == false then goto bad
ok = 1
end script
:bad:
bad = 1
