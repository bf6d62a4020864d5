depth = !depth + x
process /s/self.al
