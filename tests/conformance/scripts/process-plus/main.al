dir = /s
process !dir + /sub.al
after = !inner
