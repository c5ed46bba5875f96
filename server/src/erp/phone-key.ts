/** Last 10 digits: "+7 (495) 123-45-67", "8 495 1234567" and "4951234567" are one phone. */
export function phoneKey(phone: string): string {
  return phone.replace(/\D/g, '').slice(-10);
}
