/*
 * casekit.h - the base header every .c file includes first: config.h, the standard headers
 * nearly every file needs, and util.h. Each file then includes the lib/ headers it uses.
 */
#ifndef CASEKIT_H
#define CASEKIT_H
#include "config.h"
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include "util.h"
#endif
