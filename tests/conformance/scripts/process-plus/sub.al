inner = yes
