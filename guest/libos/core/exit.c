/* exit.c: the unikernel's end: the debug report (registered by the layer that keeps the
 * counts), then solo5_exit. */
#include "libos.h"

int libos_debug;
void (*libos_exit_report)(void);

void libos_exit(int status)
{
    if (libos_debug && libos_exit_report)
        libos_exit_report();
    solo5_exit(status);
}
