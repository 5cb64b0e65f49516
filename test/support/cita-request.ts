/**
 * A valid request of the cita seed procedure (seed 001): Lic. Ana Pérez asks for the July report
 * of her family-medicine agenda. The start data leaves the channel to the test.
 */
export const CITA_START = {
  requesterName: 'Lic. Ana Pérez',
  medicalUnit: 'UMF 21 Iztacalco',
  description: 'Reporte de la agenda de citas de medicina familiar, julio',
} as const;

/** The request's details, as captured from the portal or checked at `task-validate-info`. */
export const CITA_REQUEST = {
  contactName: 'Ana Pérez',
  employeeNumber: '123456',
  phone: '+52 55 5140 9617',
  consultationDate: '2025-07-14',
  timeSlot: '08:00-14:00',
  clinic: 'Medicina familiar',
  office: '3',
  requesterEmail: 'ana.perez@issste.gob.mx',
} as const;
