s = 1
end script
t = 2
