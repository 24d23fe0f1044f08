#include <stdio.h>
int main(void)
{
	puts("1..1\nnot ok 1 - placeholder: not written yet");
	return 1;
}
