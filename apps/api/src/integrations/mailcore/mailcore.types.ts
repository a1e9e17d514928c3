/** What mail-core answers (docs/mailcore-api.md). Passwords are write-only and appear in no type here. */

export interface MailDomain {
  domain: string;
  accountCount: number;
  createdAt: string;
}

export interface MailAccount {
  email: string;
  domain: string;
  quotaMb: number;
  isActive: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface MailcoreHealth {
  status: string;
  version: string;
  domains: number;
  accounts: number;
}

export interface CreateMailAccountInput {
  email: string;
  password: string;
  quotaMb?: number;
  /** Wanted state after a converge; a new account is always active. Defaults to true. */
  isActive?: boolean;
}

/** `created` is false when it already existed and was brought to the wanted state instead. */
export interface EnsureDomainResult {
  domain: MailDomain;
  created: boolean;
}

export interface CreateMailAccountResult {
  account: MailAccount;
  created: boolean;
}
