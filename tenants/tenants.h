/* Tenant-scoped routes: tenants and their Comuni, ATS members. */
#ifndef AMBITO_TENANTS_H
#define AMBITO_TENANTS_H

void tenants_register(void);
void members_register(void);

#endif
