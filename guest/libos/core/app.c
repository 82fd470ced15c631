/* app.c: the description of the embedded application; bake finds it by its magic and fills it in. */
#include "libos.h"

/* Volatile: the contents are written into the image after linking, so the compiler must
 * not fold the initial (empty) values into the code. */
volatile struct libos_app libos_app = {
    .magic = APP_MAGIC,
    .version = 0, /* bake sets 1 */
};

/* The offsets bake writes at (internal/bake/layout.go); a change here must change there. */
_Static_assert(__builtin_offsetof(struct libos_app, version) == 16, "layout");
_Static_assert(__builtin_offsetof(struct libos_app, entry) == 24, "layout");
_Static_assert(__builtin_offsetof(struct libos_app, phdr) == 32, "layout");
_Static_assert(__builtin_offsetof(struct libos_app, bias) == 40, "layout");
_Static_assert(__builtin_offsetof(struct libos_app, lo) == 48, "layout");
_Static_assert(__builtin_offsetof(struct libos_app, phnum) == 64, "layout");
_Static_assert(__builtin_offsetof(struct libos_app, name) == 72, "layout");
_Static_assert(__builtin_offsetof(struct libos_app, phdrs) == 136, "layout");
_Static_assert(sizeof(struct libos_app) == 136 + 32 * 56, "layout");
