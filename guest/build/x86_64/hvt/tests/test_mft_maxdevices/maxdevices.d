build/x86_64/hvt/tests/test_mft_maxdevices/maxdevices.o: \
 tests/test_mft_maxdevices/maxdevices.c tests/common/test.h \
 include/solo5.h
tests/common/test.h:
include/solo5.h:
