/* musl-hello: printf from a static musl program. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("hello from musl, %d args, argv[1]=%s\n", argc, argc > 1 ? argv[1] : "-");
    return 0;
}
