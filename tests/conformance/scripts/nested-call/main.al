call one
done = yes
end script
:one:
a = 1
call two
b = 2
return
:two:
c = 3
return
