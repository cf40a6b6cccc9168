/*
 * version.h - the product's version: what --version, every JSON and SARIF
 * output, the report page and the plans' headers say.
 */
#ifndef SG_VERSION_H
#define SG_VERSION_H

#define SG_VERSION "0.1.0"

#endif
