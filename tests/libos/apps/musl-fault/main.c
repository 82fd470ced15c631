/* musl-fault: prints, then writes through a wild pointer (no handler: the libOS reports it). */
#include <stdio.h>

int main(void)
{
    printf("about to fault\n");
    fflush(stdout);
    *(volatile int *)0x7ff0deadb000 = 1;
    printf("not reached\n");
    return 0;
}
