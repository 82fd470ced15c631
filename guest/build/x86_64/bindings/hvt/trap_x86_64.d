build/x86_64/bindings/hvt/trap_x86_64.o: bindings/hvt/trap_x86_64.S
