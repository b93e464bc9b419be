/**
 * The payment system ids A-Pay documents (`ps_all` in its OpenAPI description).
 * The list grows, so an id outside it is only a warning in `check`.
 */
export const APAY_PAYMENT_SYSTEMS: readonly string[] = [
  'ababank', 'apaybdt', 'bancard_qr', 'banistmo_p2p', 'bankalfalah', 'bcgeneral_p2p', 'bkash_a', 'bkash_api_v',
  'bkash_b', 'bkash_p2p', 'brou_p2p', 'cbebirr_p2p', 'cvu_fast_p2p', 'cvu_p2p', 'd17_l', 'easypaisa', 'easypaisa_l',
  'egp_card', 'egp_fast', 'egp_tel', 'egp_tel_fast', 'esewa', 'esewa_p2p', 'etb_fast', 'etb_p2p', 'eur_card',
  'flouci', 'flouci_l', 'imepay_l', 'imps', 'imps_top', 'inr_p2c', 'inr_p2p', 'ipay_fast', 'ipay_l', 'itau_p2p',
  'jazzcash', 'jazzcash_fast', 'jazzcash_l', 'kbzpay_p2p', 'khalti', 'khalti_l', 'lynk_p2p', 'mercado_ars_p2p',
  'mercado_uyu_p2c', 'moov_mli_p2p', 'mpesa', 'nagad_a', 'nagad_api_v', 'nagad_b', 'nagad_p2p', 'nayapay_l',
  'orange_gin_p2p', 'orange_mli_p2p', 'orange_sen_p2p', 'paygo_p2p', 'paytm', 'phonepe', 'phonepe_fast', 'pix_p2p',
  'pkr_w', 'pkr_w2', 'raast_p2p', 'scotiabank_p2p', 'spei_p2p', 'stcpay_p2p', 'tap_p2p', 'upay', 'upay_w', 'upi_a',
  'upi_fast', 'upi_fast_qr', 'upi_fast_v', 'upi_fast_vip', 'upi_link', 'upi_p2p', 'upi_push', 'veripagos_fast',
  'wave_mli_p2p', 'wave_sen_p2p', 'wavepay_l', 'wing_l', 'yape_bob_p2p', 'yape_pen_p2p', 'yappy_p2p',
];
