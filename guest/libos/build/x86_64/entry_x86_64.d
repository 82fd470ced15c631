build/x86_64/entry_x86_64.o: entry_x86_64.S
