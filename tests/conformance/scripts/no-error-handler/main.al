a = 1
frobnicate the node
b = 2
