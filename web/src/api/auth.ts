/** The session: who is signed in, signing in (password or worker PIN) and out. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { type Locale, applyLocale, takeSignInPick } from '../i18n';
import { ApiError, api } from './client';
import type { SessionUser } from './types';

export const authKeys = {
  me: ['me'] as const,
};

/** The signed-in user, or null when nobody is (a 401 anywhere sets it to null: see main.tsx). */
export function useMe() {
  return useQuery({
    queryKey: authKeys.me,
    queryFn: async (): Promise<SessionUser | null> => {
      try {
        const user = await api.get<SessionUser>('/auth/me');
        // the user's own choice wins; not chosen yet: the device's or browser's language stays
        if (user.locale) applyLocale(user.locale);
        return user;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: 2,
  });
}

type Credentials = { kind: 'password'; username: string; password: string } | { kind: 'pin'; workerId: string; pin: string };

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, ...body }: Credentials) => api.post<{ user: SessionUser }>(kind === 'pin' ? '/auth/pin-login' : '/auth/login', body),
    onSuccess: async ({ user }) => {
      // a language picked on the sign-in screen becomes the user's; else the user's stored one shows
      const picked = takeSignInPick();
      if (picked && picked !== user.locale) user = await api.put<SessionUser>('/auth/me/locale', { locale: picked }).catch(() => user);
      if (user.locale) applyLocale(user.locale);
      queryClient.setQueryData(authKeys.me, user);
    },
  });
}

/** The signed-in user switches the UI's language: at once here, and kept on the server for their next sign-in anywhere. */
export function useSetLocale() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (locale: Locale) => {
      applyLocale(locale);
      return api.put<SessionUser>('/auth/me/locale', { locale });
    },
    onSuccess: (user) => queryClient.setQueryData(authKeys.me, user),
  });
}

/** Ends the session (a failure to reach the server signs out locally anyway) and forgets every cached answer. */
export function useSignOut(): () => Promise<void> {
  const queryClient = useQueryClient();
  return useCallback(async () => {
    await api.post('/auth/logout').catch(() => undefined);
    queryClient.clear();
    queryClient.setQueryData(authKeys.me, null);
  }, [queryClient]);
}
