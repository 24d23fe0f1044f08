/* The review pages of a plan: reading the latest submission, the Region's
 * decision, and publication after a confirmation. */
#ifndef AMBITO_REVIEW_PAGES_H
#define AMBITO_REVIEW_PAGES_H

void review_pages_register(void); /* /ats/{tenant}/piani/{cycle}/revisione, …/pubblica */

#endif
