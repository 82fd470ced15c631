build/x86_64/./note.o: note.c
