process /s/self.al
