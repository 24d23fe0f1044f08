/* The public side of published plans (SPEC §5): anyone, without logging in,
 * reads the published snapshot as JSON, byte for byte, and as a printable
 * Italian HTML document. Nothing else about a plan is ever visible here. */
#ifndef AMBITO_PLAN_PUBLIC_H
#define AMBITO_PLAN_PUBLIC_H

void plan_public_register(void); /* /api/v1/public/tenants/{tenant}/plans/{cycle}, /public/{tenant}/{cycle} */

#endif
