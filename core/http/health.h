/* Operational routes: /healthz, /readyz, /metrics, /api/v1/openapi.json. */
#ifndef AMBITO_HEALTH_H
#define AMBITO_HEALTH_H

void health_register(void);

#endif
